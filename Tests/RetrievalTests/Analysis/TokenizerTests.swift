import Testing
@testable import Retrieval

@Suite struct TokenizerTests {
    let tokenizer = Tokenizer()

    /// Lower-cases and splits on anything that is not a letter or digit.
    @Test func lowercasesAndSplitsOnPunctuation() {
        #expect(tokenizer.tokenize("Hello, World! (Foo-bar)/baz") == ["hello", "world", "foo", "bar", "baz"])
        #expect(tokenizer.tokenize("  \n\t ") == [])
        #expect(tokenizer.tokenize("") == [])
    }

    @Test func keepsDigitsAndAlphanumericRuns() {
        #expect(tokenizer.tokenize("CD4 T-cells and H1N1 in 2020") == ["cd4", "t", "cells", "and", "h1n1", "in", "2020"])
        #expect(tokenizer.tokenize("COVID-19") == ["covid", "19"])
    }

    @Test(arguments: [
        ("The patient's fever", ["the", "patient", "fever"]),
        ("patients' fevers", ["patients", "fevers"]),
        ("the 1990's", ["the", "1990"]),
        ("Crohn’s disease", ["crohn", "disease"]),
        ("don't stop", ["dont", "stop"]),
        ("O'Neill", ["oneill"]),
        ("'quoted'", ["quoted"]),
        ("it's", ["it"]),
    ])
    func foldsApostrophes(text: String, expected: [String]) {
        #expect(tokenizer.tokenize(text) == expected)
    }

    @Test(arguments: [
        ("p < 0.05.", ["p", "0.05"]),
        ("3.14159", ["3.14159"]),
        ("1,000 genomes", ["1000", "genomes"]),
        ("1,000,000", ["1000000"]),
        ("1,2-diol", ["1", "2", "diol"]),
        ("12,3456", ["12", "3456"]),
        ("end. Next", ["end", "next"]),
        ("e.g. this", ["e", "g", "this"]),
        ("1/2000 in UK", ["1", "2000", "in", "uk"]),
    ])
    func foldsNumberPunctuation(text: String, expected: [String]) {
        #expect(tokenizer.tokenize(text) == expected)
    }

    @Test func handlesUnicodeLettersDigitsAndMarks() {
        #expect(tokenizer.tokenize("Ünïcödé ΑΒΓ café") == ["ünïcödé", "αβγ", "café"])
        // Decomposed é (e + U+0301) keeps its combining mark.
        #expect(tokenizer.tokenize("cafe\u{301} au lait") == ["cafe\u{301}", "au", "lait"])
        // Arabic-Indic digits fold to ASCII; Greek letters are letters.
        #expect(tokenizer.tokenize("٣٤ β-cells") == ["34", "β", "cells"])
        // Soft hyphen inside a word is ignored.
        #expect(tokenizer.tokenize("hyper\u{AD}tension") == ["hypertension"])
        // Final sigma folds like any sigma.
        #expect(tokenizer.tokenize("ΟΔΟΣ") == ["οδοσ"])
    }

    @Test func documentationExample() {
        #expect(tokenizer.tokenize("The patient's IL-6 level rose 1,000-fold (p < 0.05).")
            == ["the", "patient", "il", "6", "level", "rose", "1000", "fold", "p", "0.05"])
    }
}
