// The domain builds on the API's types and the calendar time; every module that imports ReviewCore gets them.
@_exported import ReviewAPI
