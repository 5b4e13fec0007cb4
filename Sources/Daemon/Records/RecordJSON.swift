import Foundation
import PluginAPI

/// Writes records as JSON for the API. The values are embedded as stored (they are JSON already),
/// unless only some fields are asked for, so a page of 200 records is mostly copying.
struct RecordJSON {
    let kind: RecordTables
    /// Field keys to include; nil for all.
    let fields: Set<String>?
    /// Unit names by id.
    let units: [UInt32: OrgUnit]

    func header(_ r: StoredRecord) -> JSONObject {
        var o: JSONObject = [
            "id": .string(r.id), "student": .string(r.student), "studentName": .string(r.studentName),
            "college": .string(units[r.collegeID]?.name ?? ""), "major": .string(units[r.majorID]?.name ?? ""),
            "class": .string(units[r.classID]?.name ?? ""), "cohort": .int(Int(r.cohort)),
            "state": .string(r.state),
            "stateLabel": .string(kind.workflow?.states.first { $0.id == r.state }?.label.zh ?? r.state),
        ]
        if let pipeline = kind.pipeline {
            var levels = JSONObject()
            for (i, stage) in pipeline.stages.enumerated() where i < r.levels.count {
                let s = r.state == "draft" ? nil : r.levels[i]
                levels[stage.role.rawValue] = ["status": .string(s?.name ?? "unsubmitted"), "label": .string(s?.label ?? "已保存未提交")]
            }
            o["levels"] = .object(levels)
        }
        o["updated"] = .string(ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: r.updated)))
        return o
    }

    /// One record: header, then `values` and `filled`.
    func write(_ r: StoredRecord, into out: inout [UInt8]) throws {
        var head = Array(JSONValue.object(header(r)).jsonString().utf8)
        head.removeLast()   // the closing brace: values follow
        out.append(contentsOf: head)
        out.append(contentsOf: Array(#","values":"#.utf8))
        try writeValues(r.values, into: &out)
        out.append(contentsOf: Array(#","filled":"#.utf8))
        try writeValues(r.filled, into: &out)
        out.append(UInt8(ascii: "}"))
    }

    private func writeValues(_ blob: [UInt8], into out: inout [UInt8]) throws {
        guard let fields else {
            out.append(contentsOf: blob)
            return
        }
        let all = try StoredRecord.object(blob)
        var picked = JSONObject()
        for (k, v) in all where fields.contains(k) { picked[k] = v }
        out.append(contentsOf: Array(JSONValue.object(picked).jsonString().utf8))
    }

    /// `{"records": [...], <extra>}`.
    func page(_ records: [StoredRecord], extra: JSONObject) throws -> Data {
        var out = Array(#"{"records":["#.utf8)
        out.reserveCapacity(records.count * 600)
        for (i, r) in records.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            try write(r, into: &out)
        }
        out.append(UInt8(ascii: "]"))
        for (k, v) in extra {
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: Array(JSONValue.string(k).jsonString().utf8))
            out.append(UInt8(ascii: ":"))
            out.append(contentsOf: Array(v.jsonString().utf8))
        }
        out.append(UInt8(ascii: "}"))
        return Data(out)
    }
}
