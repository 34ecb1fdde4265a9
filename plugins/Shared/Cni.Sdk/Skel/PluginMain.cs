using System.Collections;
using Microsoft.Win32.SafeHandles;

namespace Cni.Sdk;

/// <summary>The entry point of every plugin binary: <c>return PluginMain.Run(new XPlugin(), "about text");</c></summary>
public static class PluginMain
{
    /// <summary>Runs the dispatcher over the real environment, stdin, stdout and stderr.</summary>
    public static int Run(ICniPlugin plugin, string about)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
            if (e.Key is string k && e.Value is string v) env[k] = v;
        // Raw fds 0 and 1, not System.Console (see StdErr for why).
        using var stdin = new FileStream(new SafeFileHandle(0, ownsHandle: false), FileAccess.Read, bufferSize: 0);
        using var stdout = new FileStream(new SafeFileHandle(1, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        return new Dispatcher(Environment.GetEnvironmentVariable, env, stdin, stdout, StdErr.Writer).Run(plugin, about);
    }
}
