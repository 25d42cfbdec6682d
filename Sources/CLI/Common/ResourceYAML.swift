import Resources
import Yams

/// Resources as the command line prints and writes them (`-o yaml`, token files): libyaml's emitter through Yams,
/// block scalars kept (a token's CA as `ca: |`). The agent writes with `fastYAML`, which reads back the same.
extension ResourceEncoder {
    /// One resource as a YAML document (without the leading `---`).
    public static func yaml(_ resource: Resource) -> String {
        (try? Yams.serialize(node: yamsNode(node(resource)))) ?? ""
    }

    /// Several resources as a multi-document YAML stream, each document starting with `---`.
    public static func yaml(_ resources: [Resource]) -> String {
        resources.map { "---\n" + yaml($0) }.joined()
    }

    /// The same tree as Yams' nodes, for libyaml's emitter (styles kept, the tags of integers and booleans too).
    static func yamsNode(_ node: YAMLNode) -> Node {
        switch node {
        case .scalar(let scalar):
            let tag =
                scalar.tag == YAMLNode.intTag ? Tag(.int) : scalar.tag == YAMLNode.boolTag ? Tag(.bool) : scalar.style == .plain ? Tag(.implicit) : Tag(.str)
            let style: Node.Scalar.Style =
                switch scalar.style {
                case .plain: .any
                case .singleQuoted: .singleQuoted
                case .doubleQuoted: .doubleQuoted
                case .literal: .literal
                case .folded: .folded
                }
            return Node(scalar.string, tag, style)
        case .mapping(let mapping): return .mapping(.init(mapping.pairs.map { (yamsNode($0.0), yamsNode($0.1)) }))
        case .sequence(let sequence): return .sequence(.init(sequence.items.map(yamsNode)))
        }
    }

}
