import Storage

/// A statistics counter's key: (dimension, cohort, college, major, class, value). Compared as
/// fields, encoded only when its count moves.
struct StatsKey: StorageKey, Equatable {
    var dimension: String
    var cohort: UInt16
    var college: UInt32, major: UInt32, classID: UInt32
    var value: String

    init(dimension: String, cohort: UInt16, college: UInt32, major: UInt32, classID: UInt32, value: String) {
        self.dimension = dimension
        self.cohort = cohort
        self.college = college; self.major = major; self.classID = classID
        self.value = value
    }

    func appendKey(to key: inout [UInt8]) {
        key.reserveCapacity(key.count + dimension.utf8.count + value.utf8.count + 16)
        dimension.appendKey(to: &key)
        cohort.appendKey(to: &key)
        college.appendKey(to: &key); major.appendKey(to: &key); classID.appendKey(to: &key)
        value.appendKey(to: &key)
    }

    init(reading r: inout KeyReader) throws {
        dimension = try r.read(); cohort = try r.read()
        college = try r.read(); major = try r.read(); classID = try r.read()
        value = try r.read()
    }
}
