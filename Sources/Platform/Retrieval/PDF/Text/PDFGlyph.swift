/// One shown character code, placed on the page in device space (points, y down from the
/// top-left corner, the page's rotation applied).
struct PDFGlyph {
    /// Its Unicode text: usually one character, several for a ligature, empty when the font
    /// does not say.
    var text: String
    /// The origin on the baseline.
    var x: Double
    var y: Double
    /// The glyph's own advance (without character and word spacing).
    var dx: Double
    var dy: Double
    /// The font size in device space.
    var fontSize: Double
    var ascent: Double
    var descent: Double
    /// Which font resource showed it (words do not span fonts).
    var font: Int
    /// The direction text runs: 0 left to right, 1 top to bottom, 2 right to left (upside
    /// down), 3 bottom to top.
    var rotation: Int
}
