/// Role inheritance for one role definition (`g`, `g2`, …), as pycasbin's
/// `default_role_manager` does it. Instances are mutable and are only touched while
/// the owning `Enforcer` holds its lock.
protocol RoleLinks: AnyObject {
    func addLink(_ user: String, _ role: String, domain: String?)
    /// Whether `user` inherits `role` (directly or transitively, within the depth limit).
    /// May create bookkeeping entries for names it has not seen, exactly like pycasbin.
    func hasLink(_ user: String, _ role: String, domain: String?) -> Bool
    func setMatchingFunction(_ function: MatchingFunction?)
    func setDomainMatchingFunction(_ function: MatchingFunction?)
}

/// The maximum inheritance depth followed by `hasLink`, as in Casbin.
let maximumHierarchyLevel = 10

/// Applies a matching function, treating a thrown error as "no match".
private func matches(_ function: MatchingFunction, _ name: String, _ pattern: String) -> Bool {
    (try? function(name, pattern)) ?? false
}

/// Roles without domains. With a matching function, role names act as patterns:
/// a name seen for the first time inherits the roles of every pattern it matches,
/// and links added later propagate to the names matching the linked patterns.
final class RoleManager: RoleLinks {
    private var roles: [String: Set<String>] = [:]  // name → direct roles
    private var users: [String: Set<String>] = [:]  // name → direct users
    private var links: [(user: String, role: String)] = []
    private var matchingFunction: MatchingFunction?

    func addLink(_ user: String, _ role: String, domain: String? = nil) {
        links.append((user, role))
        materialize(user)
        materialize(role)
        connect(user, to: role)
        guard let matchingFunction else { return }
        for name in roles.keys {
            if name != user, matches(matchingFunction, name, user) { connect(name, to: role) }
            if name != role, matches(matchingFunction, name, role) { connect(role, to: name) }
        }
    }

    func hasLink(_ user: String, _ role: String, domain: String? = nil) -> Bool {
        materialize(user)
        materialize(role)
        var frontier: Set<String> = [user]
        for _ in 0..<maximumHierarchyLevel {
            if frontier.isEmpty { return false }
            if frontier.contains(role) { return true }
            frontier = Set(frontier.flatMap { roles[$0] ?? [] })
        }
        return false
    }

    func setMatchingFunction(_ function: MatchingFunction?) {
        matchingFunction = function
        let replay = links
        roles = [:]
        users = [:]
        links = []
        for link in replay { addLink(link.user, link.role) }
    }

    func setDomainMatchingFunction(_ function: MatchingFunction?) {}

    /// pycasbin's `_get_role`: creates `name` on first sight, copying from matching patterns.
    private func materialize(_ name: String) {
        guard roles[name] == nil else { return }
        let patterns = matchingFunction.map { function in roles.keys.filter { matches(function, name, $0) } } ?? []
        roles[name] = []
        users[name] = users[name] ?? []
        for pattern in patterns {
            for inherited in roles[pattern] ?? [] { connect(name, to: inherited) }
            for user in users[pattern] ?? [] { connect(user, to: name) }
        }
    }

    private func connect(_ user: String, to role: String) {
        roles[user, default: []].insert(role)
        users[role, default: []].insert(user)
    }
}

/// Roles scoped by domain (`g = _, _, _`). Each domain gets its own `RoleManager`,
/// built lazily from the links of that domain plus, with a domain matching
/// function, the links of every domain pattern it matches.
final class DomainRoleManager: RoleLinks {
    private var domains: [String] = []  // first-seen order, for deterministic rebuilding
    private var links: [String: [(user: String, role: String)]] = [:]
    private var managers: [String: RoleManager] = [:]
    private var matchingFunction: MatchingFunction?
    private var domainMatchingFunction: MatchingFunction?

    func addLink(_ user: String, _ role: String, domain: String?) {
        let domain = domain ?? ""
        if links[domain] == nil { domains.append(domain) }
        links[domain, default: []].append((user, role))
        for manager in affectedManagers(domain) { manager.addLink(user, role) }
    }

    func hasLink(_ user: String, _ role: String, domain: String?) -> Bool {
        manager(for: domain ?? "").hasLink(user, role)
    }

    func setMatchingFunction(_ function: MatchingFunction?) {
        matchingFunction = function
        for manager in managers.values { manager.setMatchingFunction(function) }
    }

    func setDomainMatchingFunction(_ function: MatchingFunction?) {
        domainMatchingFunction = function
        managers = [:]
    }

    private func manager(for domain: String) -> RoleManager {
        if let existing = managers[domain] { return existing }
        let manager = RoleManager()
        manager.setMatchingFunction(matchingFunction)
        var sources = [domain]
        if let domainMatchingFunction {
            sources += domains.filter { $0 != domain && matches(domainMatchingFunction, domain, $0) }
        }
        for source in sources {
            for link in links[source] ?? [] { manager.addLink(link.user, link.role) }
        }
        managers[domain] = manager
        return manager
    }

    /// The cached per-domain managers a new link in `pattern` must reach.
    private func affectedManagers(_ pattern: String) -> [RoleManager] {
        guard let domainMatchingFunction else { return managers[pattern].map { [$0] } ?? [] }
        return managers.keys.sorted()
            .filter { matches(domainMatchingFunction, $0, pattern) }
            .compactMap { managers[$0] }
    }
}
