import Foundation
import Testing

@testable import ReviewServer

/// HTTP dates written without a formatter agree with RFC 9110 and read back.
@Suite struct HTTPDateTests {
    @Test func formatsLikeRFC9110() {
        #expect(HTTPDate.format(Date(timeIntervalSince1970: 784_111_777)) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(Date(timeIntervalSince1970: 1_701_936_000)) == "Thu, 07 Dec 2023 08:00:00 GMT")
        #expect(HTTPDate.format(Date(timeIntervalSince1970: 1_830_297_599.9)) == "Fri, 31 Dec 2027 23:59:59 GMT")
        for t in stride(from: 0, to: 2_000_000_000, by: 98_765_431) {
            let d = Date(timeIntervalSince1970: TimeInterval(t))
            #expect(HTTPDate.parse(HTTPDate.format(d)) == d)
        }
    }
}
