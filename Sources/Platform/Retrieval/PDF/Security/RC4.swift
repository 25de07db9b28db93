/// RC4, for PDF's standard security handler (revisions 2–4 without AES). A dozen lines, and
/// not offered by swift-crypto.
struct RC4 {
    private var state: [UInt8]
    private var i: UInt8 = 0
    private var j: UInt8 = 0

    init(key: [UInt8]) {
        state = Array(0...255)
        guard !key.isEmpty else { return }
        var j: UInt8 = 0
        for i in 0..<256 {
            j = j &+ state[i] &+ key[i % key.count]
            state.swapAt(i, Int(j))
        }
    }

    mutating func process(_ data: some Sequence<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.underestimatedCount)
        for b in data {
            i = i &+ 1
            j = j &+ state[Int(i)]
            state.swapAt(Int(i), Int(j))
            out.append(b ^ state[Int(state[Int(i)] &+ state[Int(j)])])
        }
        return out
    }

    static func crypt(_ data: some Sequence<UInt8>, key: [UInt8]) -> [UInt8] {
        var rc4 = RC4(key: key)
        return rc4.process(data)
    }
}
