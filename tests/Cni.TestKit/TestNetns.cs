namespace Cni.TestKit;

/// <summary>
/// A throwaway named network namespace (`ip netns add cnit-...`), deleted on Dispose even when the test failed.
/// Tests make a "host" namespace and "container" namespaces with this and never touch the machine's own.
/// </summary>
public sealed class TestNetns : IDisposable
{
    private static int s_counter;

    public string Name { get; }
    public string Path => "/var/run/netns/" + Name;

    private TestNetns(string name) => Name = name;

    public static TestNetns Create(string tag = "t")
    {
        Requires.Root();
        // Short, unique, and recognisable as ours: cnit-<tag>-<pid>-<n>.
        var name = $"cnit-{tag}-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}";
        Sh.Run("ip", "netns", "add", name).EnsureSuccess("ip netns add " + name);
        var ns = new TestNetns(name);
        ns.Ip("link", "set", "lo", "up");
        return ns;
    }

    /// <summary>Runs `ip -n NAME args...` and fails the test if it fails.</summary>
    public string Ip(params string[] args)
        => Sh.Run("ip", ["-n", Name, .. args]).EnsureSuccess("ip -n " + Name + " " + string.Join(' ', args)).Stdout;

    /// <summary>`ip -n NAME -j args...` as JSON.</summary>
    public System.Text.Json.JsonElement IpJson(params string[] args) => Sh.IpJson(Name, args);

    /// <summary>Runs a program inside the namespace (`ip netns exec`).</summary>
    public ExecResult Exec(string file, params string[] args) => Sh.Run("ip", ["netns", "exec", Name, file, .. args]);

    /// <summary>Runs a program inside the namespace with env and stdin (a plugin binary, for instance).</summary>
    public ExecResult Exec(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string?> env, string? stdin)
        => Sh.Run("ip", ["netns", "exec", Name, file, .. args], env, stdin);

    /// <summary>
    /// `ping -c1 -W1 ADDRESS` from inside this namespace, retried a few times (a fresh bridge port may still be
    /// learning); skips the test when iputils ping is missing.
    /// </summary>
    public bool Ping(string address, int attempts = 3)
    {
        Requires.Binary("/usr/bin/ping", "traffic checks; Debian package iputils-ping");
        for (int i = 0; i < attempts; i++)
            if (Exec("ping", "-c1", "-W1", address).ExitCode == 0) return true;
        return false;
    }

    public void Dispose()
    {
        // Delete links first so veth peers in other namespaces disappear too, then the namespace.
        Sh.Run("ip", "netns", "del", Name);
    }
}
