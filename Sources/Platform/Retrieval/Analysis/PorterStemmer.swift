/// The Porter (1980) suffix-stripping stemmer, as in Martin Porter's reference implementation.
///
/// This follows the reference C/Java code (and Lucene's `PorterStemmer`, which derives from it)
/// step for step, including its three documented departures from the 1980 paper: `-bli` →
/// `-ble` (instead of `-abli` → `-able`), the extra `-logi` → `-log` rule, and the bounds fixes
/// for words such as `"aed"` and `"ion"`. Its output therefore matches Porter's published
/// `voc.txt` → `output.txt` vocabulary, not the later "Porter2" (Snowball English) stemmer.
///
/// Words of one or two scalars are returned unchanged. Input is expected to be lower case;
/// only `a e i o u` (and `y` after a consonant) count as vowels, so scalars outside ASCII are
/// treated as consonants, exactly as the reference code treats them.
///
/// ```swift
/// let stemmer = PorterStemmer()
/// stemmer.stem("generalizations")  // "gener"
/// stemmer.stem("ponies")           // "poni"
/// ```
public struct PorterStemmer: Sendable, Hashable {
    /// Creates a stemmer.
    public init() {}

    /// Returns the stem of a lower-case word.
    public func stem(_ word: String) -> String {
        var buffer = Buffer(word)
        guard buffer.k > 1 else { return word }
        buffer.step1()
        buffer.step2()
        buffer.step3()
        buffer.step4()
        buffer.step5()
        buffer.step6()
        var result = String.UnicodeScalarView()
        for value in buffer.b[0...buffer.k] {
            if let scalar = Unicode.Scalar(value) { result.append(scalar) }
        }
        return String(result)
    }
}

// MARK: - The algorithm

extension PorterStemmer {
    /// The word being stemmed: `b[0...k]` is the current word, `j` marks the end of the stem
    /// found by the last successful ``ends(_:)``. Names follow the reference implementation.
    struct Buffer {
        var b: [UInt32]
        var k: Int
        var j: Int = 0

        init(_ word: String) {
            b = word.unicodeScalars.map(\.value)
            k = b.count - 1
        }

        /// True when `b[i]` is a consonant.
        func cons(_ i: Int) -> Bool {
            switch b[i] {
            case 0x61, 0x65, 0x69, 0x6F, 0x75:  // a e i o u
                return false
            case 0x79:  // y
                return i == 0 ? true : !cons(i - 1)
            default:
                return true
            }
        }

        /// The number of consonant sequences between 0 and `j`: `[C](VC){m}[V]`.
        func m() -> Int {
            var n = 0
            var i = 0
            while true {
                if i > j { return n }
                if !cons(i) { break }
                i += 1
            }
            i += 1
            while true {
                while true {
                    if i > j { return n }
                    if cons(i) { break }
                    i += 1
                }
                i += 1
                n += 1
                while true {
                    if i > j { return n }
                    if !cons(i) { break }
                    i += 1
                }
                i += 1
            }
        }

        /// True when `b[0...j]` contains a vowel.
        func vowelInStem() -> Bool {
            var i = 0
            while i <= j {
                if !cons(i) { return true }
                i += 1
            }
            return false
        }

        /// True when `b[j-1...j]` is a double consonant.
        func doubleConsonant(_ j: Int) -> Bool {
            if j < 1 { return false }
            if b[j] != b[j - 1] { return false }
            return cons(j)
        }

        /// True when `b[i-2...i]` is consonant-vowel-consonant and the last consonant is not
        /// `w`, `x` or `y` (used to restore an `e` in short words: cav(e), hop(e), but not snow).
        func cvc(_ i: Int) -> Bool {
            if i < 2 || !cons(i) || cons(i - 1) || !cons(i - 2) { return false }
            let ch = b[i]
            return ch != 0x77 && ch != 0x78 && ch != 0x79  // w x y
        }

        /// True when `b[0...k]` ends with `suffix`; then sets `j` to the end of the stem before it.
        mutating func ends(_ suffix: StaticString) -> Bool {
            let length = suffix.utf8CodeUnitCount
            let offset = k - length + 1
            if offset < 0 { return false }
            let matches = suffix.withUTF8Buffer { bytes in
                for index in 0..<length where b[offset + index] != UInt32(bytes[index]) {
                    return false
                }
                return true
            }
            if !matches { return false }
            j = k - length
            return true
        }

        /// Replaces `b[j+1...k]` by `replacement` and moves `k` to its end.
        mutating func setTo(_ replacement: StaticString) {
            let length = replacement.utf8CodeUnitCount
            replacement.withUTF8Buffer { bytes in
                for index in 0..<length {
                    let position = j + 1 + index
                    if position < b.count {
                        b[position] = UInt32(bytes[index])
                    } else {
                        b.append(UInt32(bytes[index]))
                    }
                }
            }
            k = j + length
        }

        /// `setTo(replacement)` when the stem has `m() > 0`.
        mutating func r(_ replacement: StaticString) {
            if m() > 0 { setTo(replacement) }
        }

        /// Step 1 of the paper (1a and 1b): plurals, `-ed` and `-ing`.
        /// caresses → caress, ponies → poni, agreed → agree, plastered → plaster, hopping → hop.
        mutating func step1() {
            if b[k] == 0x73 {  // s
                if ends("sses") {
                    k -= 2
                } else if ends("ies") {
                    setTo("i")
                } else if b[k - 1] != 0x73 {
                    k -= 1
                }
            }
            if ends("eed") {
                if m() > 0 { k -= 1 }
            } else if (ends("ed") || ends("ing")) && vowelInStem() {
                k = j
                if ends("at") {
                    setTo("ate")
                } else if ends("bl") {
                    setTo("ble")
                } else if ends("iz") {
                    setTo("ize")
                } else if doubleConsonant(k) {
                    let ch = b[k]
                    k -= 1
                    if ch == 0x6C || ch == 0x73 || ch == 0x7A { k += 1 }  // l s z
                } else if m() == 1 && cvc(k) {
                    setTo("e")
                }
            }
        }

        /// Step 1c of the paper: terminal `y` → `i` when the stem has a vowel (happy → happi).
        mutating func step2() {
            if ends("y") && vowelInStem() {
                b[k] = 0x69  // i
            }
        }

        /// Step 2 of the paper: double suffixes to single ones (-ization → -ize, -ational → -ate).
        mutating func step3() {
            if k == 0 { return }
            switch b[k - 1] {
            case 0x61:  // a
                if ends("ational") { r("ate"); break }
                if ends("tional") { r("tion"); break }
            case 0x63:  // c
                if ends("enci") { r("ence"); break }
                if ends("anci") { r("ance"); break }
            case 0x65:  // e
                if ends("izer") { r("ize"); break }
            case 0x6C:  // l
                if ends("bli") { r("ble"); break }
                if ends("alli") { r("al"); break }
                if ends("entli") { r("ent"); break }
                if ends("eli") { r("e"); break }
                if ends("ousli") { r("ous"); break }
            case 0x6F:  // o
                if ends("ization") { r("ize"); break }
                if ends("ation") { r("ate"); break }
                if ends("ator") { r("ate"); break }
            case 0x73:  // s
                if ends("alism") { r("al"); break }
                if ends("iveness") { r("ive"); break }
                if ends("fulness") { r("ful"); break }
                if ends("ousness") { r("ous"); break }
            case 0x74:  // t
                if ends("aliti") { r("al"); break }
                if ends("iviti") { r("ive"); break }
                if ends("biliti") { r("ble"); break }
            case 0x67:  // g
                if ends("logi") { r("log"); break }
            default:
                break
            }
        }

        /// Step 3 of the paper: -ic-, -full, -ness and similar.
        mutating func step4() {
            switch b[k] {
            case 0x65:  // e
                if ends("icate") { r("ic"); break }
                if ends("ative") { r(""); break }
                if ends("alize") { r("al"); break }
            case 0x69:  // i
                if ends("iciti") { r("ic"); break }
            case 0x6C:  // l
                if ends("ical") { r("ic"); break }
                if ends("ful") { r(""); break }
            case 0x73:  // s
                if ends("ness") { r(""); break }
            default:
                break
            }
        }

        /// Step 4 of the paper: removes -ant, -ence and the like when the stem has `m() > 1`.
        mutating func step5() {
            if k == 0 { return }
            switch b[k - 1] {
            case 0x61:  // a
                guard ends("al") else { return }
            case 0x63:  // c
                guard ends("ance") || ends("ence") else { return }
            case 0x65:  // e
                guard ends("er") else { return }
            case 0x69:  // i
                guard ends("ic") else { return }
            case 0x6C:  // l
                guard ends("able") || ends("ible") else { return }
            case 0x6E:  // n
                guard ends("ant") || ends("ement") || ends("ment") || ends("ent") else { return }
            case 0x6F:  // o
                if ends("ion") && j >= 0 && (b[j] == 0x73 || b[j] == 0x74) { break }  // -sion, -tion
                guard ends("ou") else { return }
            case 0x73:  // s
                guard ends("ism") else { return }
            case 0x74:  // t
                guard ends("ate") || ends("iti") else { return }
            case 0x75:  // u
                guard ends("ous") else { return }
            case 0x76:  // v
                guard ends("ive") else { return }
            case 0x7A:  // z
                guard ends("ize") else { return }
            default:
                return
            }
            if m() > 1 { k = j }
        }

        /// Step 5 of the paper: removes a final -e and reduces a final -ll when the stem is long.
        mutating func step6() {
            j = k
            if b[k] == 0x65 {  // e
                let measure = m()
                if measure > 1 || measure == 1 && !cvc(k - 1) { k -= 1 }
            }
            if b[k] == 0x6C && doubleConsonant(k) && m() > 1 { k -= 1 }  // l
        }
    }
}
