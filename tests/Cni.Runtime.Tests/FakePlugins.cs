using System.Text.Json;

namespace Cni.Runtime.Tests;

/// <summary>
/// A temp directory of tiny shell-script plugins that record every invocation (verb, env, stdin) and answer
/// like a plugin would: ADD prints a result naming the plugin as its interface; a type starting with "fail"
/// prints an error object (code 7) and exits 1. Deleted on Dispose.
/// </summary>
public sealed class FakePlugins : IDisposable
{
    public FakePlugins(params string[] types)
    {
        Dir = Directory.CreateTempSubdirectory("cnirt-fake-").FullName;
        Directory.CreateDirectory(CallsDir);
        CacheDir = Path.Combine(Dir, "cache");
        foreach (var t in types) Add(t);
    }

    public string Dir { get; }
    public string CallsDir => Path.Combine(Dir, "calls");
    public string CacheDir { get; }
    public string BinDir => Dir;

    public void Add(string type)
    {
        var script = $$"""
            #!/bin/sh
            t=$(basename "$0")
            in=$(cat)
            n=$(ls '{{CallsDir}}' | wc -l)
            printf '%s' "$in" > "{{CallsDir}}/$(printf %03d "$n").$CNI_COMMAND.$t.json"
            echo "$CNI_COMMAND $t cid=$CNI_CONTAINERID if=$CNI_IFNAME netns=$CNI_NETNS args=$CNI_ARGS path=$CNI_PATH" >> '{{Dir}}/log'
            case "$t" in fail*) echo '{"code":7,"msg":"boom","details":"from '"$t"'"}'; exit 1;; esac
            if [ "$CNI_COMMAND" = ADD ]; then
              v=$(printf '%s' "$in" | sed -n 's/.*"cniVersion":"\([^"]*\)".*/\1/p' | head -n 1)
              echo '{"cniVersion":"'"$v"'","interfaces":[{"name":"'"$t"'"}],"ips":[{"address":"10.1.2.3/24","interface":0}]}'
            fi
            exit 0
            """;
        var path = Path.Combine(Dir, type);
        File.WriteAllText(path, script.Replace("\r", ""));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>The log lines: "VERB type cid=... if=... netns=... args=... path=...".</summary>
    public List<string> Log()
    {
        var path = Path.Combine(Dir, "log");
        return File.Exists(path) ? File.ReadAllLines(path).ToList() : [];
    }

    /// <summary>"VERB type" for each call, in order.</summary>
    public List<string> Calls() => Log().Select(l => string.Join(' ', l.Split(' ').Take(2))).ToList();

    /// <summary>The stdin of each call, in order, as (verb, type, JSON).</summary>
    public List<(string Verb, string Type, JsonElement Stdin)> Stdins()
        => Directory.GetFiles(CallsDir).OrderBy(f => f, StringComparer.Ordinal).Select(f =>
        {
            var parts = Path.GetFileName(f).Split('.');
            return (parts[1], parts[2], JsonDocument.Parse(File.ReadAllText(f)).RootElement.Clone());
        }).ToList();

    public void ClearCalls()
    {
        foreach (var f in Directory.GetFiles(CallsDir)) File.Delete(f);
        File.Delete(Path.Combine(Dir, "log"));
    }

    public CniRuntime Runtime() => new([BinDir], CacheDir);

    public void Dispose() => Directory.Delete(Dir, recursive: true);
}
