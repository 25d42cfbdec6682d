import Resources

/// Checks names received from the network before they become resource names.
enum ObjectMetaName {
    static func isValid(_ name: String) -> Bool { ObjectMeta.isValidName(name) && name.count <= 63 }
}
