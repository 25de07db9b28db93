/// Support for the JSONC case files of Flagsmith's engine test data.
public enum JSONC {
    /// Blanks out every line whose first non-blank characters are `//`.
    ///
    /// Lines are blanked rather than removed so that syntax errors still
    /// report the line numbers of the original file.
    public static func strippingLineComments(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { line in
                line.drop { $0 == " " || $0 == "\t" }.hasPrefix("//") ? "" : line
            }
            .joined(separator: "\n")
    }
}
