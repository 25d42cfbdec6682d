import Foundation
import Resources
import Testing

/// `settings.router-logging` is read in Skupper v2's `MODULE:level,...` form; a value the router could not take is
/// refused with the line, the field and the item at fault.
@Suite("Site router-logging setting")
struct RouterLoggingSettingTests {
    static func site(_ logging: String) -> String {
        """
        apiVersion: skupper.io/v2alpha1
        kind: Site
        metadata: {name: west}
        spec:
          linkAccess: default
          settings:
            router-image: quay.io/skupper/skupper-router:3.5.1
            router-logging: "\(logging)"
        """
    }

    func failure(_ logging: String) -> ResourceError? {
        do {
            _ = try ResourceLoader.parse(Self.site(logging), file: "site.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test(arguments: ["debug", "ROUTER_CORE:debug,TCP_ADAPTOR:trace", "trace+", "DEFAULT:info,HTTP2_OBSERVER:critical", " notice , ROUTER:error+", ""])
    func valuesV2AcceptsAreAccepted(_ value: String) throws {
        let site = try #require(try ResourceLoader.parse(Self.site(value), file: "site.yaml").resources.first?.site)
        #expect(site.settings["router-logging"] == value)
        #expect(!site.routerLogging.entries.isEmpty)
    }

    @Test func anUnknownModuleIsLocatedAndNamed() throws {
        let error = try #require(failure("ROUTER_CORE:debug,TCP_ADAPTER:trace"))
        #expect(error.location.file == "site.yaml" && error.location.line == 8)
        #expect(error.field == "spec.settings.router-logging")
        #expect(
            error.message.hasPrefix(#"item 2 ("TCP_ADAPTER:trace"): "TCP_ADAPTER" is not a router log module: use one of ROUTER, ROUTER_CORE"#),
            "\(error.message)")
        #expect(error.message.contains("TCP_ADAPTOR"))
        #expect(error.description.contains("site.yaml: document 1, line 8: spec.settings.router-logging: item 2"), "\(error)")
    }

    @Test func anUnknownLevelIsNamedWithTheValidOnes() throws {
        let error = try #require(failure("ROUTER_CORE:verbose"))
        #expect(
            error.message
                == #"item 1 ("ROUTER_CORE:verbose"): "verbose" is not a log level: use one of trace, debug, info, notice, warning, error, critical (a trailing + is allowed)"#
        )
        #expect(try #require(failure("Debug")).message.contains(#""Debug" is not a log level (did you mean debug?)"#))
        #expect(try #require(failure("router_core:debug")).message.contains(#""router_core" is not a router log module (did you mean ROUTER_CORE?)"#))
    }

    @Test func malformedItemsAreRefused() throws {
        #expect(try #require(failure("debug,,info")).message == #"item 2 (""): it is empty: expected MODULE:level or a level"#)
        #expect(try #require(failure("debug,")).message.hasPrefix("item 2 "))
        #expect(try #require(failure("ROUTER:CORE:debug")).message.contains("more than one ':'"))
        #expect(try #require(failure("ROUTER_CORE:")).message.contains(#""" is not a log level"#))
        // A module the router no longer has (v2's list still names it) would stop the router from starting.
        #expect(try #require(failure("AUTHSERVICE:debug")).message.contains(#""AUTHSERVICE" is not a router log module"#))
        #expect(try #require(failure("none")).message.contains(#""none" is not a log level"#))
    }
}
