import Testing
@testable import Daemon

@Suite("Pasted search values")
struct SearchValuesTests {
    @Test("a pasted column splits on newlines, tabs, commas and semicolons (full-width too) and U+2028; spaces trimmed, repeats dropped, inner spaces kept")
    func split() {
        let pasted = " 202211001\n202211002\r\n张三，李四；王五\t赵六, 202211001 ;\u{3000}钱七\u{3000}\u{2028}孙八 \n\n欧阳 修\r"
        #expect(RecordQuery.searchValues(pasted) == ["202211001", "202211002", "张三", "李四", "王五", "赵六", "钱七", "孙八", "欧阳 修"])
        #expect(RecordQuery.searchValues("") == [])
        #expect(RecordQuery.searchValues(" \n\u{3000}\t，") == [])
        // A separator's lead byte alone, or a look-alike, is text: ＋ (EF BC 8B) and U+2029 split nothing.
        #expect(RecordQuery.searchValues("甲＋乙\u{2029}丙") == ["甲＋乙\u{2029}丙"])
        #expect(RecordQuery.searchValues("末尾，") == ["末尾"])
    }

    @Test("2000 student numbers split into 2000 values")
    func many() {
        let numbers = (0..<2000).map { String(202_200_000 + $0) }
        #expect(RecordQuery.searchValues(numbers.joined(separator: "\r\n")) == numbers)
    }
}
