using Cni.Conformance.Runtime;
using Cni.Conformance.Subjects;

namespace Cni.Conformance.Checks;

public enum Verdict { Pass, Fail, Warn, Skip }

/// <summary>A check's verdict with its reason (a SKIP names what is missing; a WARN is a recommendation not met).</summary>
public sealed record Outcome(Verdict Verdict, string Reason)
{
    public static Outcome Pass(string note = "") => new(Verdict.Pass, note);
    public static Outcome Fail(string reason) => new(Verdict.Fail, reason);
    public static Outcome Warn(string reason) => new(Verdict.Warn, reason);
    public static Outcome Skip(string reason) => new(Verdict.Skip, reason);

    /// <summary>PASS when there are no problems, else FAIL listing them all.</summary>
    public static Outcome From(IEnumerable<string?> problems, string note = "")
    {
        var list = problems.OfType<string>().ToList();
        return list.Count == 0 ? Pass(note) : Fail(string.Join("; ", list));
    }
}

/// <summary>The digest's tags: which plugin kinds a check applies to.</summary>
[Flags]
public enum Tags
{
    Loopback = 1,
    If = 2,
    Ch = 4,
    Ipam = 8,
    All = Loopback | If | Ch | Ipam,
}

/// <summary>
/// One conformance check from cni-spec.md §9. <see cref="Run"/> returns null when the check has nothing
/// to say about this particular plugin (e.g. C36 is about tuning), so no row is printed.
/// </summary>
public sealed record CheckDef(string Id, string Title, Tags Tags, Func<CheckContext, Outcome?> Run)
{
    /// <summary>GC/STATUS checks: SKIP for plugins that do not announce 1.1.0.</summary>
    public bool NeedsLatest { get; init; }

    public bool AppliesTo(PluginKind kind) => kind switch
    {
        PluginKind.Loopback => Tags.HasFlag(Tags.Loopback),
        PluginKind.Interface => Tags.HasFlag(Tags.If),
        PluginKind.Chained => Tags.HasFlag(Tags.Ch),
        _ => Tags.HasFlag(Tags.Ipam),
    };
}

/// <summary>What a check gets: the plugin under test, its subject, and fresh sandboxes on demand.</summary>
public sealed class CheckContext(Plugin plugin, Subject subject)
{
    public Plugin Plugin { get; } = plugin;
    public Subject Subject { get; } = subject;

    /// <summary>The version a check uses when it does not care which (1.1.0, else the newest announced).</summary>
    public string V => Plugin.Default;

    public Sandbox NewSandbox() => new(Plugin, Subject);
}
