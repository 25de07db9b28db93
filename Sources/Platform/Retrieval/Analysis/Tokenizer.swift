/// Splits text into lower-cased word and number tokens.
///
/// The tokenizer works on Unicode scalars, so any script's letters and decimal digits form
/// tokens, and everything else separates them. It is deliberately simple — close to what
/// Lucene's `StandardTokenizer` + `LowerCaseFilter` + `EnglishPossessiveFilter` produce for
/// English prose — with a few punctuation folds that matter for scientific text:
///
/// - **Case**: every scalar is mapped through its Unicode lower-case mapping (`"DNA"` → `"dna"`,
///   `"Σ"` → `"σ"`, with no final-sigma special case, so the fold is position independent).
/// - **Letters and digits stay together**: `"CD4"` → `"cd4"`, `"H1N1"` → `"h1n1"`. Non-ASCII
///   decimal digits are folded to ASCII (`"٣"` → `"3"`).
/// - **Possessives** are dropped: `"patient's"` → `"patient"`, `"1990's"` → `"1990"`
///   (`'`, `’`, `ʼ` and `＇` all count as apostrophes).
/// - **Inner apostrophes** between letters are removed: `"don't"` → `"dont"`, `"O’Neill"` → `"oneill"`.
/// - **Decimal numbers** keep their point: `"0.05"` → `"0.05"`, while `"end."` → `"end"`.
/// - **Thousands separators** are dropped: `"1,000,000"` → `"1000000"`; a comma not followed
///   by exactly three digits separates (`"1,2-diol"` → `"1"`, `"2"`, `"diol"`).
/// - **Hyphens, slashes and all other punctuation** separate: `"COVID-19"` → `"covid"`, `"19"`.
/// - Combining marks stay attached to the token they follow; soft hyphens and zero-width
///   joiners inside a word are ignored. There is no segmentation of scripts written without
///   spaces: a run of CJK ideographs becomes one token.
///
/// ```swift
/// Tokenizer().tokenize("The patient's IL-6 level rose 1,000-fold (p < 0.05).")
/// // ["the", "patient", "il", "6", "level", "rose", "1000", "fold", "p", "0.05"]
/// ```
public struct Tokenizer: Sendable, Hashable {
    /// Creates a tokenizer.
    public init() {}

    /// Splits `text` into lower-cased tokens, in text order.
    ///
    /// - Parameter text: Any text; it need not be normalised.
    /// - Returns: The tokens, never empty strings.
    public func tokenize(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        var last: ScalarClass = .other  // class of the last letter or digit appended to `current`

        func flush() {
            if !current.isEmpty {
                tokens.append(String(current))
                current = String.UnicodeScalarView()
            }
            last = .other
        }
        func classAt(_ index: Int) -> ScalarClass {
            index < scalars.count ? Self.classify(scalars[index]) : .other
        }

        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            switch Self.classify(scalar) {
            case .letter:
                Self.appendLowercased(scalar, to: &current)
                last = .letter
            case .digit:
                Self.appendDigit(scalar, to: &current)
                last = .digit
            case .mark:
                if !current.isEmpty { current.append(scalar) }
            case .ignorable:
                if current.isEmpty { break }
                // Inside a word (soft hyphen, zero-width joiner): skip without splitting.
                if !classAt(index + 1).isWordCharacter { flush() }
            case .apostrophe:
                let next = classAt(index + 1)
                if last != .other, next == .letter,
                   scalars[index + 1] == "s" || scalars[index + 1] == "S",
                   !classAt(index + 2).isWordCharacter {
                    // Possessive 's: drop it and end the token.
                    index += 2
                    flush()
                    continue
                }
                if last == .letter, next == .letter {
                    // Inner apostrophe (don't, O'Neill): join the halves.
                    break
                }
                flush()
            case .fullStop:
                if last == .digit, classAt(index + 1) == .digit {
                    current.append(".")
                } else {
                    flush()
                }
            case .comma:
                if last == .digit, classAt(index + 1) == .digit, classAt(index + 2) == .digit,
                   classAt(index + 3) == .digit, classAt(index + 4) != .digit {
                    // Thousands separator: drop it and keep the number whole.
                    break
                }
                flush()
            case .other:
                flush()
            }
            index += 1
        }
        flush()
        return tokens
    }
}

// MARK: - Character classes

extension Tokenizer {
    enum ScalarClass: Equatable {
        case letter, digit, mark, ignorable, apostrophe, fullStop, comma, other

        var isWordCharacter: Bool { self == .letter || self == .digit || self == .mark }
    }

    static func classify(_ scalar: Unicode.Scalar) -> ScalarClass {
        let value = scalar.value
        if value < 0x80 {
            switch value {
            case 0x61...0x7A, 0x41...0x5A: return .letter
            case 0x30...0x39: return .digit
            case 0x27: return .apostrophe
            case 0x2E: return .fullStop
            case 0x2C: return .comma
            default: return .other
            }
        }
        switch value {
        case 0x2019, 0x02BC, 0xFF07: return .apostrophe
        case 0x00AD, 0x200C, 0x200D, 0x2060, 0xFEFF: return .ignorable
        default: break
        }
        let properties = scalar.properties
        if properties.numericType == .decimal { return .digit }
        switch properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: return .mark
        default: break
        }
        return properties.isAlphabetic ? .letter : .other
    }

    static func appendLowercased(_ scalar: Unicode.Scalar, to view: inout String.UnicodeScalarView) {
        let value = scalar.value
        if value < 0x80 {
            if value >= 0x41 && value <= 0x5A, let lower = Unicode.Scalar(value | 0x20) {
                view.append(lower)
            } else {
                view.append(scalar)
            }
            return
        }
        let properties = scalar.properties
        if properties.changesWhenLowercased {
            view.append(contentsOf: properties.lowercaseMapping.unicodeScalars)
        } else {
            view.append(scalar)
        }
    }

    static func appendDigit(_ scalar: Unicode.Scalar, to view: inout String.UnicodeScalarView) {
        if scalar.value < 0x80 {
            view.append(scalar)
        } else if let value = scalar.properties.numericValue, value >= 0, value <= 9,
                  let ascii = Unicode.Scalar(0x30 + UInt32(value)) {
            view.append(ascii)
        } else {
            view.append(scalar)
        }
    }
}
