// A problem speaks the campaign's calendar time; every module that imports Scheduling gets it.
@_exported import ReviewTime
