using System.Collections;

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
        using var stdin = Console.OpenStandardInput();
        using var stdout = Console.OpenStandardOutput();
        return new Dispatcher(Environment.GetEnvironmentVariable, env, stdin, stdout, Console.Error).Run(plugin, about);
    }
}
