import Testing
@testable import Retrieval

@Suite struct AnalyzerTests {
    /// Lucene's default English stop set has exactly these 33 words.
    @Test func stopWordsAreLucenesEnglishSet() {
        #expect(StopWords.english.count == 33)
        for word in ["a", "an", "and", "the", "of", "to", "in", "is", "it", "this", "with", "will", "such", "into"] {
            #expect(StopWords.english.contains(word))
        }
        // Not in Lucene's list, so kept.
        for word in ["do", "does", "has", "have", "from", "we", "our", "its", "than", "all", "s", "t"] {
            #expect(!StopWords.english.contains(word))
        }
    }

    @Test func englishAnalyzerRemovesStopWordsThenStems() {
        #expect(Analyzer.english.analyze("Generalizations of the relational oscillators") == ["gener", "relat", "oscil"])
        #expect(Analyzer.english.analyze("The THE the") == [])
        #expect(Analyzer.english.analyze("There is no such thing") == ["thing"])
    }

    /// Stop words match the lower-cased token before stemming ("this" is a stop word, "thi" is not).
    @Test func stopWordsApplyBeforeStemming() {
        #expect(Analyzer.english.analyze("this thing") == ["thing"])
        #expect(Analyzer(stopWords: []).analyze("this thing") == ["thi", "thing"])
    }

    @Test func stemmingAndStopWordsCanBeTurnedOff() {
        let plain = Analyzer(stopWords: [], stems: false)
        #expect(plain.analyze("The running dogs") == ["the", "running", "dogs"])
    }
}
