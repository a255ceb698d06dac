// The API's types speak the campaign's calendar time; every module that imports ReviewAPI gets it.
@_exported import ReviewTime
