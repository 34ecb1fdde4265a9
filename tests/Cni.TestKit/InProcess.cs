using System.Text;
using Cni.Sdk;

namespace Cni.TestKit;

/// <summary>
/// Runs a plugin in-process through the real skel (the SDK's Dispatcher) with an injected environment, stdin and
/// stdout, exactly as the binary would run, without publishing it first.
/// </summary>
public static class InProcess
{
    public static ExecResult Run(ICniPlugin plugin, IReadOnlyDictionary<string, string> env, string stdin)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(stdin));
        using var output = new MemoryStream();
        var err = new StringWriter();
        int code = new Dispatcher(k => env.TryGetValue(k, out var v) ? v : null, env, input, output, err).Run(plugin, "test");
        return new ExecResult(code, Encoding.UTF8.GetString(output.ToArray()), err.ToString());
    }

    /// <summary>
    /// Runs the plugin in-process as if it had been started inside <paramref name="host"/> (a throwaway "host"
    /// namespace): the skel runs on a dedicated thread switched into it, so every socket, /proc/sys write and
    /// delegated IPAM process the plugin creates belongs to that namespace, never to the machine's own.
    /// </summary>
    public static ExecResult RunIn(TestNetns host, ICniPlugin plugin, IReadOnlyDictionary<string, string> env, string stdin)
    {
        using var ns = Cni.Linux.Netns.NetNs.Open(host.Path);
        return ns.Run(() => Run(plugin, env, stdin));
    }

    /// <summary>The CNI_* environment for one verb (null values are left out).</summary>
    public static Dictionary<string, string> Env(string command, string? containerId = null, string? netns = null,
        string? ifname = null, string? args = null, string? path = null)
    {
        var env = new Dictionary<string, string> { ["CNI_COMMAND"] = command };
        if (containerId != null) env["CNI_CONTAINERID"] = containerId;
        if (netns != null) env["CNI_NETNS"] = netns;
        if (ifname != null) env["CNI_IFNAME"] = ifname;
        if (args != null) env["CNI_ARGS"] = args;
        env["CNI_PATH"] = path ?? Repo.OutBin;
        return env;
    }
}
