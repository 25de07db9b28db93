"""The layout's rules, checked from Package.swift and the sources (Docs/architecture.md#modules).

- every target is the folder of its own name, and Package.swift excludes nothing;
- a file imports only project modules its target depends on (directly or through them):
  a debug build of a warm tree tolerates an undeclared import, a clean build need not;
- nothing under Sources/Platform depends on the lab (Simulator, Mocks);
- one Secret type;
- a base vocabulary, once: one JSON value type and one Python-regex translator (in Base),
  no second JSON writer for reports (`OrderedJSON`), and the Platform API names providers
  and quotas through Base's `ProviderKind` and `QuotaName`, not lists of its own;
- one kind of lock (`Mutex`, or `Base.Locked` around one), in the sources and the tests;
- every `@unchecked Sendable` in the sources says beside it, in a `//` comment, why it is safe;
- one clock seam: no `Date()` in the sources outside `TimeSource` and `SystemTimeSource`.
"""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[2]
PACKAGE = (ROOT / "Package.swift").read_text()
START = re.compile(r"\.(target|executableTarget|testTarget)\(")


def balanced(text, i, open_ch, close_ch):
    """The text between text[i] (an opening bracket) and its matching closing one."""
    depth = 0
    for j in range(i, len(text)):
        if text[j] == open_ch:
            depth += 1
        elif text[j] == close_ch:
            depth -= 1
            if depth == 0:
                return text[i + 1:j]
    raise ValueError("unbalanced Package.swift")


def targets():
    found = {}
    for m in START.finditer(PACKAGE):
        body = balanced(PACKAGE, m.end() - 1, "(", ")")
        name = re.match(r'\s*name:\s*"(\w+)"', body).group(1)
        deps = set()
        d = re.search(r"dependencies:\s*\[", body)
        if d:
            listed = balanced(body, d.end() - 1, "[", "]")
            listed = re.sub(r"\.product\([^)]*\)", "", listed)  # other packages' products
            deps = set(re.findall(r'"(\w+)"', listed))
        path = re.search(r'path:\s*"([^"]+)"', body)
        default = ("Tests/" if m.group(1) == "testTarget" else "Sources/") + name
        found[name] = {"kind": m.group(1), "deps": deps, "path": path.group(1) if path else default}
    return found


TARGETS = targets()


def closure(name, seen=None):
    seen = set() if seen is None else seen
    for d in TARGETS[name]["deps"]:
        if d in TARGETS and d not in seen:
            seen.add(d)
            closure(d, seen)
    return seen


def test_package_is_parsed():
    assert {"Base", "Gateway", "Server", "Simulator", "Mocks", "dcoder", "ServerTests"} <= set(TARGETS)


def test_every_target_is_the_folder_of_its_name_and_nothing_is_excluded():
    assert "exclude:" not in PACKAGE
    for name, t in TARGETS.items():
        assert pathlib.PurePosixPath(t["path"]).name == name, f"{name} lives in {t['path']}"
        assert (ROOT / t["path"]).is_dir(), f"{name}: no folder {t['path']}"


def test_files_import_only_modules_their_target_depends_on():
    problems = []
    for name, t in TARGETS.items():
        allowed = closure(name) | {name}
        for f in sorted((ROOT / t["path"]).rglob("*.swift")):
            for module in re.findall(r"^(?:@testable )?import (\w+)", f.read_text(), re.M):
                if module in TARGETS and module not in allowed:
                    problems.append(f"{f.relative_to(ROOT)} imports {module}, which {name} does not depend on")
    assert not problems, "\n".join(problems)


def test_production_modules_do_not_depend_on_the_lab():
    for name, t in TARGETS.items():
        if t["path"].startswith("Sources/Platform/"):
            assert not closure(name) & {"Simulator", "Mocks"}, f"{name} depends on the lab"


def test_one_secret_type():
    hits = [f for f in (ROOT / "Sources").rglob("*.swift") if re.search(r"^public struct Secret\b", f.read_text(), re.M)]
    assert [str(f.relative_to(ROOT)) for f in hits] == ["Sources/Platform/Base/Secret.swift"]


def swift_sources(folder="Sources"):
    return sorted((ROOT / folder).rglob("*.swift"))


def declarations(pattern):
    """The files under Sources with a line matching `pattern` (a declaration), relative to the root."""
    return [str(f.relative_to(ROOT)) for f in swift_sources() if re.search(pattern, f.read_text(), re.M)]


def test_one_json_value_type():
    declared = declarations(r"^\s*(?:public |package |internal )?(?:indirect )?(?:enum|struct) JSONValue\b")
    assert declared == ["Sources/Platform/Base/JSON/JSONValue.swift"]


def test_one_python_regex_translator():
    # One type named for regular expressions, the only code that rewrites Python's `(?P<name>`
    # groups, and one engine (Swift's Regex: no NSRegularExpression anywhere).
    translator = ["Sources/Platform/Base/Python/PythonRegex.swift"]
    assert declarations(r"^\s*(?:public |package )?(?:enum|struct|final class|class) \w*Regex\w*\b") == translator
    assert [str(f.relative_to(ROOT)) for f in swift_sources() if "(?P<" in f.read_text()] == translator
    assert declarations(r"^[^/]*\bNSRegularExpression\b") == []


def test_no_second_json_writer_for_reports():
    assert not [str(f.relative_to(ROOT)) for f in swift_sources() if re.search(r"\bOrderedJSON\b", f.read_text())]


def test_platform_api_keeps_no_list_of_provider_kinds_or_quota_names():
    api = ROOT / "Sources/Platform/PlatformAPI"
    for f in sorted(api.rglob("*.swift")):
        text = f.read_text()
        assert not re.search(r"\bproviderKinds\b", text), f"{f.relative_to(ROOT)} keeps its own provider kinds"
        assert not re.search(r"\bquotaNames\b", text), f"{f.relative_to(ROOT)} keeps its own quota names"
        assert not re.search(r'"(?:openai|anthropic|gemini|groq)",\s*"(?:openai|anthropic|gemini|groq)"', text)
        assert not re.search(r'"requests_per_(?:second|minute|hour)"', text)


PIPELINE = re.compile(r"\bcore\.(admit|admitInternal|complete|throttle|refuse|admitEmbeddings|completeEmbeddings)\(|\bStreamRelay\(|\bBudgetTracker\(|\.restoreSpend\(|\bUsageJournal\(")


def test_the_call_pipeline_exists_once():
    """The drivers (the Lab, the live server, the CLI) carry out GatewayNode's steps; none
    decides a call itself (Docs/architecture.md#one-pipeline)."""
    problems = []
    for folder in ["Sources/Lab", "Sources/Platform/Server", "Sources/dcoder"]:
        for f in sorted((ROOT / folder).rglob("*.swift")):
            for n, line in enumerate(f.read_text().splitlines(), 1):
                if PIPELINE.search(line) and not line.lstrip().startswith("///"):
                    problems.append(f"{f.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not problems, "call-pipeline logic outside Gateway:\n" + "\n".join(problems)


def test_the_architecture_diagram_is_package_swift():
    """Docs/architecture.md's module graph lists exactly the direct dependencies between
    the project's (non-test) targets."""
    text = (ROOT / "Docs/architecture.md").read_text()
    block = re.search(r"```mermaid\n(.*?)```", text, re.S).group(1)
    drawn = set()
    for line in block.splitlines():
        m = re.match(r"\s*(\w+)\s*-->\s*(.+)", line)
        if m:
            for dep in m.group(2).split("&"):
                drawn.add((m.group(1), dep.strip()))
    declared = {(name, dep) for name, t in TARGETS.items()
                if t["kind"] != "testTarget" and name != "TestSupport" for dep in t["deps"] if dep in TARGETS}
    assert drawn == declared, f"missing from the diagram: {sorted(declared - drawn)}; not in Package.swift: {sorted(drawn - declared)}"


def code(line):
    """A line without its `//` comment (naively: a `//` inside a string literal cuts it short too)."""
    return line.split("//", 1)[0]


def code_lines(folder):
    """(path relative to the root, line number, code) for every line of the Swift files under `folder`."""
    for f in swift_sources(folder):
        for n, line in enumerate(f.read_text().splitlines(), 1):
            yield str(f.relative_to(ROOT)), n, code(line)


OTHER_LOCKS = re.compile(r"\b(?:NIOLockedValueBox|NIOLock|NSLock|NSRecursiveLock|NSConditionLock|os_unfair_lock|pthread_mutex_t)\b")


def test_one_kind_of_lock():
    found = [f"{path}:{n}: {text.strip()}" for folder in ("Sources", "Tests")
             for path, n, text in code_lines(folder) if OTHER_LOCKS.search(text)]
    assert not found, "use Mutex (or Base's Locked) instead:\n" + "\n".join(found)


def test_every_unchecked_sendable_says_why_it_is_safe():
    missing = []
    for f in swift_sources():
        lines = f.read_text().splitlines()
        for i, line in enumerate(lines):
            if "@unchecked Sendable" not in code(line):
                continue
            beside = "//" in line[line.index("@unchecked Sendable"):]
            above = i > 0 and re.match(r"\s*//(?!/)\s*\S", lines[i - 1])
            if not (beside or above):
                missing.append(f"{f.relative_to(ROOT)}:{i + 1}: {line.strip()}")
    assert not missing, "say in a `//` comment on the line or just above why it is safe:\n" + "\n".join(missing)


def test_only_the_clock_seam_reads_the_date():
    seam = {"Sources/Platform/Base/TimeSource.swift", "Sources/Platform/Base/SystemTimeSource.swift"}
    reads = re.compile(r"(?<![\w.])Date(?:\.init)?\(\)|\bDate\.now\b|\bDate\(timeIntervalSinceNow:")
    found = [f"{path}:{n}: {text.strip()}" for path, n, text in code_lines("Sources")
             if path not in seam and reads.search(text)]
    assert not found, "read the time through a TimeSource (SystemTimeSource live):\n" + "\n".join(found)
