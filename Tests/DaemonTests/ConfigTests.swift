import Foundation
import Plugins
import PluginAPI
import Testing
@testable import Daemon

@Suite("plugins.yaml")
struct ConfigTests {
    let catalog = PluginCatalog(BuiltinPlugins.all + probeCatalog)

    func errors(_ yaml: String) -> [ConfigError] {
        do {
            _ = try PluginSet.load(text: yaml, file: "plugins.yaml", catalog: catalog)
            Issue.record("expected the configuration to be refused")
            return []
        } catch let e as ConfigErrors {
            return e.errors
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    @Test("the repository's plugins.yaml validates and enables the five built-in plugins")
    func defaultFile() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("plugins.yaml").path
        let set = try PluginSet.load(path: path, catalog: PluginCatalog(BuiltinPlugins.all))
        #expect(Set(set.pluginIDs.map(\.rawValue)) == ["source-info", "employment-info", "agreements", "termination", "resume-library"])
        #expect(set.pluginIDs.first == "source-info")
        #expect(set.pluginIDs.firstIndex(of: "agreements")! < set.pluginIDs.firstIndex(of: "termination")!)
    }

    @Test("an unknown key is refused at its line and column")
    func unknownKey() {
        let e = errors("""
            server:
              maxBodyBytes: 1000000
              maxBodyByte: 5
            plugins: {}
            """)
        #expect(e.map(\.description) == [#"plugins.yaml:3:3: server.maxBodyByte: unknown key "maxBodyByte""#])
    }

    @Test("a wrong type is refused at its value")
    func wrongType() {
        let e = errors("""
            plugins:
              probe:
                config:
                  limit: many
            """)
        #expect(e.map(\.description) == [#"plugins.yaml:4:14: plugins.probe.config.limit: expected a whole number, found "many""#])
    }

    @Test("a missing dependency is refused at the plugin that needs it")
    func missingDependency() {
        let e = errors("""
            plugins:
              listener: {}
            """)
        #expect(e.map(\.description) == [#"plugins.yaml:2:3: plugins.listener: depends on "probe", which is not enabled; add it under plugins"#])
    }

    @Test("a dependency on a plugin this binary lacks names the depends item")
    func unknownDependency() {
        let e = errors("""
            plugins:
              probe:
                depends: [source-info, nosuch]
              source-info: {}
            """)
        #expect(e.map(\.description) == [#"plugins.yaml:3:28: plugins.probe.depends[1]: depends on "nosuch", which this jiuyed does not have"#])
    }

    @Test("a dependency cycle is refused, naming the cycle")
    func cycle() {
        let e = errors("""
            plugins:
              probe:
                depends: [listener]
              listener: {}
            """)
        #expect(e.count == 1)
        #expect(e.first?.description == "plugins.yaml:4:3: plugins.listener: dependency cycle: listener → probe → listener")
    }

    @Test("an unknown plugin and an unknown review role are both reported")
    func severalErrors() {
        let e = errors("""
            plugins:
              sorce-info: {}
              source-info:
                kinds:
                  source-info:
                    review:
                      stages: [counselor, dean]
            """)
        #expect(e.count == 2)
        #expect(e[0].description.hasPrefix(#"plugins.yaml:2:3: plugins.sorce-info: unknown plugin "sorce-info""#))
        #expect(e[1].description.hasPrefix(#"plugins.yaml:7:31: plugins.source-info.kinds.source-info.review.stages[1]: unknown role "dean""#))
    }

    @Test("a student cannot be a review stage, and overrides must name a declared kind")
    func reviewOverrides() {
        let e = errors("""
            plugins:
              source-info:
                kinds:
                  source-info:
                    review:
                      stages: [student]
                  nosuch: {}
            """)
        #expect(e.map(\.description).contains(#"plugins.yaml:6:20: plugins.source-info.kinds.source-info.review.stages[0]: role "student" cannot review; use counselor, college or school"#))
        #expect(e.contains { $0.path == "plugins.source-info.kinds.nosuch" && $0.line == 7 })
    }

    @Test("review stages set in YAML replace the declared ones")
    func reviewStagesApplied() throws {
        let set = try PluginSet.load(text: """
            plugins:
              source-info:
                kinds:
                  source-info:
                    review: {stages: [college, school], resubmission: rejecting-stage}
            """, file: "plugins.yaml", catalog: catalog)
        guard case .review(let pipeline) = set.kinds["source-info"]?.spec.process else {
            Issue.record("source-info lost its review")
            return
        }
        #expect(pipeline.stages.map(\.role) == [.college, .school])
        #expect(pipeline.resubmission == .rejectingStage)
    }

    @Test("a plugin's own validation errors point into its config")
    func pluginValidation() {
        let e = errors("""
            plugins:
              source-info: {}
              resume-library:
                config:
                  threshold: 70
                  weights:
                    basicInfo: 50
                    hobbies: 10
            """)
        #expect(e.contains { $0.description == #"plugins.yaml:8:9: plugins.resume-library.config.weights.hobbies: unknown section "hobbies" (sections: basicInfo, education, experience, projects, skills, awards, certificates, selfEvaluation)"# })
        #expect(e.contains { $0.description == "plugins.yaml:6:7: plugins.resume-library.config.weights: the weights add up to 140, not 100" })
    }

    @Test("a plugin that takes no configuration refuses any key under config")
    func emptyConfiguration() {
        let e = errors("""
            plugins:
              source-info:
                config: {verbose: true}
            """)
        #expect(e.map(\.description) == [#"plugins.yaml:3:14: plugins.source-info.config.verbose: unknown key "verbose""#])
    }

    @Test("YAML syntax errors are located")
    func syntax() {
        let e = errors("plugins:\n  source-info: {\n")
        #expect(e.count == 1 && e[0].line != nil && e[0].message.hasPrefix("YAML syntax"))
    }

    @Test("defaults fill what the file leaves out, and enabled: false switches a plugin off")
    func defaults() throws {
        let set = try PluginSet.load(text: """
            admin: {socketMode: "0660"}
            plugins:
              probe: {config: {label: x}}
              listener: {enabled: false}
            """, file: "plugins.yaml", catalog: catalog)
        #expect(set.settings.admin.socketMode == "0660")
        #expect(set.settings.server.maxBodyBytes == 12 << 20)
        #expect(set.pluginIDs == ["probe"])
        #expect((set.plugins[0].instance as? ProbePlugin)?.configuration.label == "x")
        #expect((set.plugins[0].instance as? ProbePlugin)?.configuration.limit == 10)
    }

    @Test("start order follows dependencies, never file order")
    func order() throws {
        let set = try PluginSet.load(text: """
            plugins:
              termination: {}
              resume-library: {}
              agreements: {}
              source-info: {}
            """, file: "plugins.yaml", catalog: catalog)
        #expect(set.pluginIDs == ["source-info", "agreements", "resume-library", "termination"])
    }
}

@Suite("plugins.yaml: fields and code tables without code")
struct FieldOverrideTests {
    @Test("an institution overrides a label and requiredness, adds a field and a code-table entry")
    func overrides() throws {
        let set = try PluginSet.load(text: """
            codeTables:
              political-status:
                entries: [{code: "14", name: 港澳台居民}]
            plugins:
              source-info:
                kinds:
                  source-info:
                    fields:
                      - {key: email, label: 常用邮箱, required: true}
                      - {key: wechatID, label: 微信号, type: text, indexed: true}
            """, file: "plugins.yaml", catalog: PluginCatalog(BuiltinPlugins.all))
        let kind = try #require(set.kinds["source-info"]?.spec)
        #expect(kind.field("email")?.label.zh == "常用邮箱" && kind.field("email")?.required == true)
        #expect(kind.field("wechatID")?.indexed == true && kind.field("wechatID")?.editableBy == .student)
        #expect(set.codeTables["political-status"]?.entry("14")?.name == "港澳台居民")
        #expect(set.codeTables["political-status"]?.entries.count == 14)
    }

    @Test("a bad field declaration is refused where it stands")
    func badField() {
        do {
            _ = try PluginSet.load(text: """
                plugins:
                  survey:
                    declare:
                      label: 调查
                      kinds:
                        survey:
                          label: 调查
                          fields:
                            - {key: q1, label: 问题一, type: colour}
                            - {key: q2, label: 问题二, type: code}
                """, file: "plugins.yaml", catalog: PluginCatalog(BuiltinPlugins.all))
            Issue.record("expected a refusal")
        } catch let e as ConfigErrors {
            #expect(e.errors.map(\.path) == ["plugins.survey.declare.kinds.survey.fields[0]", "plugins.survey.declare.kinds.survey.fields[1]"])
            #expect(e.errors[0].line == 9 && e.errors[0].message.contains("unknown field type \"colour\""))
            #expect(e.errors[1].message == "a code field needs table:")
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
