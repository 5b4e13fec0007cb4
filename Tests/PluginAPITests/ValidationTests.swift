import Testing
@testable import PluginAPI

@Suite("ID numbers and credit codes")
struct ValidationTests {
    @Test("GB 11643: the check character, the birth date and the gender digit")
    func idNumbers() throws {
        let id = try IDNumber("11010519491231002x")
        #expect(id.value == "11010519491231002X")
        #expect(id.birthDate == "1949-12-31")
        #expect(id.genderCode == "2")
        #expect(id.lastSix == "31002X")
        #expect(throws: IDNumber.Problem.checkCharacter(expected: "X")) { try IDNumber("110105194912310021") }
        #expect(throws: IDNumber.Problem.length(17)) { try IDNumber("11010519491231002") }
        #expect(throws: IDNumber.Problem.birthDate) { try IDNumber("110105194902300020") }
        #expect(throws: IDNumber.Problem.characters) { try IDNumber("1101051949123100AX") }
        #expect(IDNumber.checkCharacter(for: "11010519491231002") == "X")
    }

    @Test("GB 32100: the alphabet without I O S V Z and the check character")
    func creditCodes() throws {
        #expect(try CreditCode("91350100M000100Y43").value == "91350100M000100Y43")
        #expect(throws: CreditCode.Problem.checkCharacter(expected: "3")) { try CreditCode("91350100M000100Y44") }
        #expect(throws: CreditCode.Problem.character("I")) { try CreditCode("91350100I000100Y43") }
        #expect(throws: CreditCode.Problem.length(3)) { try CreditCode("913") }
        let head = "91110108MA01ABCD1"
        let code = head + String(try #require(CreditCode.checkCharacter(for: head)))
        #expect(throws: Never.self) { try CreditCode(code) }
    }
}
