using System.Text.Json;
using Cni.TestKit;

namespace Cni.Plugins.Tests.Firewall;

internal static class FirewallErrors
{
    /// <summary>The code of the one error object a failed run printed (the run must have failed).</summary>
    public static int Code(ExecResult r)
    {
        Assert.True(r.ExitCode == 1, $"expected a failure, got {r.ExitCode}: {r.Stdout}{r.Stderr}");
        return JsonDocument.Parse(r.Stdout).RootElement.GetProperty("code").GetInt32();
    }
}
