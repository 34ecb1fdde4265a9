namespace Cni.Sdk;

public sealed partial class Dispatcher
{
    private static readonly string[] s_entryVerbs = ["ADD", "CHECK", "DEL"];
    private static readonly string[] s_pathVerbs = ["ADD", "CHECK", "DEL", "GC", "STATUS"];

    /// <summary>
    /// Which variables each verb needs, in the reference's table order so the one error lists them in the
    /// same order. CNI_PATH is required wherever skel requires it (the spec says optional; libcni always sets it).
    /// </summary>
    private static readonly (string Name, string[] RequiredFor)[] s_vars =
    [
        ("CNI_CONTAINERID", s_entryVerbs),
        ("CNI_NETNS", ["ADD", "CHECK"]),
        ("CNI_IFNAME", s_entryVerbs),
        ("CNI_PATH", s_pathVerbs),
    ];

    private sealed record EnvValues(string ContainerId, string Netns, string IfName, string Args, IReadOnlyList<string> Path);

    /// <summary>
    /// Step 1 of the reference order: every missing variable (empty counts as missing) named in one code-4
    /// error, then the container ID pattern and interface name rules for the verbs that carry them.
    /// </summary>
    private EnvValues ReadEnvironment(string command)
    {
        string Get(string name) => _getenv(name) ?? "";
        // Plain loops, no LINQ: this runs at every start, and LINQ over arrays costs generic-virtual-method
        // resolution in NativeAOT (visible in perf) for four comparisons.
        List<string>? missing = null;
        foreach (var (name, requiredFor) in s_vars)
            if (Array.IndexOf(requiredFor, command) >= 0 && Get(name).Length == 0) (missing ??= []).Add(name);
        if (missing is not null)
            throw new CniException(CniErrorCode.InvalidEnvironment, $"required env variables [{string.Join(",", missing)}] missing");

        var values = new EnvValues(Get("CNI_CONTAINERID"), Get("CNI_NETNS"), Get("CNI_IFNAME"), Get("CNI_ARGS"),
            Get("CNI_PATH").Split(':', StringSplitOptions.RemoveEmptyEntries));
        if (Array.IndexOf(s_entryVerbs, command) >= 0)
        {
            if (!Validation.IsValidId(values.ContainerId))
                throw new CniException(CniErrorCode.InvalidEnvironment, "invalid characters in CNI_CONTAINERID",
                    $"CNI_CONTAINERID \"{values.ContainerId}\" must match ^[a-zA-Z0-9][a-zA-Z0-9_.\\-]*$");
            if (Validation.InterfaceNameProblem(values.IfName) is { } problem)
                throw new CniException(CniErrorCode.InvalidEnvironment, "invalid CNI_IFNAME: " + problem,
                    $"CNI_IFNAME \"{values.IfName}\"");
        }
        return values;
    }
}
