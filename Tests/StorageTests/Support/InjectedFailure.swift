import Storage

/// The error a test hook throws to make a provisioning step fail.
struct InjectedFailure: Error, CustomStringConvertible {
    let step: ProvisioningStep

    var description: String { "injected failure at \(self.step)" }
}

extension ProvisioningHooks {
    /// Hooks that fail `step` and let every other step run.
    static func failing(at step: ProvisioningStep) -> ProvisioningHooks {
        ProvisioningHooks { current, _ in
            if current == step {
                throw InjectedFailure(step: step)
            }
        }
    }
}
