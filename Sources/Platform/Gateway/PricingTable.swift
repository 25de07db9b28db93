import Base
import Foundation

/// Prices per model, and the exact cost of a call in integer micro-dollars.
///
/// Prices are integers in micro-dollars per million tokens, so a call's cost is
/// `(prompt × input + completion × output) / 1 000 000` micro-dollars, rounded half up:
/// integer arithmetic, no floating point, the same on every machine. The gateway and the
/// Lab's mock providers bill with this one function, so ledger and invoice agree to the
/// micro-dollar.
public struct PricingTable: Hashable, Sendable {
    public struct Price: Hashable, Sendable, Codable {
        /// Micro-dollars per million prompt tokens.
        public var input: Int64
        /// Micro-dollars per million completion tokens.
        public var output: Int64
        public init(input: Int64, output: Int64) { self.input = input; self.output = output }
    }

    public var source: String
    public var asOf: String
    /// Keyed by `provider/model`.
    public var prices: [String: Price]

    public init(source: String, asOf: String, prices: [String: Price]) {
        self.source = source; self.asOf = asOf; self.prices = prices
    }

    private struct File: Codable {
        var source: String
        var as_of: String
        var models: [String: Price]
    }

    public struct LoadError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Parses a pricing file (JSON, the shape of the bundled `pricing.json`).
    public static func parse(_ data: Data, name: String) throws -> PricingTable {
        do {
            let f = try JSONDecoder().decode(File.self, from: data)
            for (model, p) in f.models where p.input < 0 || p.output < 0 {
                throw LoadError(description: "\(name): negative price for \(model)")
            }
            return PricingTable(source: f.source, asOf: f.as_of, prices: f.models)
        } catch let e as LoadError {
            throw e
        } catch {
            throw LoadError(description: "\(name): not a pricing file: \(error)")
        }
    }

    /// The pricing table shipped with D.Coder (`Gateway/Resources/pricing.json`).
    public static func bundled() throws -> PricingTable {
        guard let url = Bundle.module.url(forResource: "pricing", withExtension: "json") else {
            throw LoadError(description: "the bundled pricing.json is missing from the build")
        }
        return try parse(Data(contentsOf: url), name: "pricing.json")
    }

    /// The price of a model: an exact `provider/model` entry, else the longest entry that
    /// is a prefix of the model name followed by `-` (dated and `-latest` versions).
    public func price(provider: ProviderKind, model: String) -> Price? {
        let key = provider.rawValue + "/" + model
        if let p = prices[key] { return p }
        var best: (String, Price)?
        for (k, p) in prices where key.hasPrefix(k + "-") {
            if best == nil || k.count > best!.0.count { best = (k, p) }
        }
        return best?.1
    }

    /// The cost of a call in micro-dollars, rounded half up.
    @inlinable public static func costMicros(promptTokens: Int, completionTokens: Int, price: Price) -> Int64 {
        let picoish = Int64(promptTokens) * price.input + Int64(completionTokens) * price.output
        return (picoish + 500_000) / 1_000_000
    }
}
