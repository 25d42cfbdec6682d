/// Text without its leading and trailing white space (spaces, tabs, line ends; Unicode's too): what was Foundation's
/// `trimmingCharacters(in: .whitespacesAndNewlines)`, for values read from files and from commands' output.
extension StringProtocol {
    public func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }), let last = lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(self[first...last])
    }
}
