using System.Text.Json;
using Cni.Sdk;

namespace Cni.Runtime;

public sealed partial class CniRuntime
{
    /// <summary>
    /// GC (digest 6), libcni's two steps: a full-chain DEL for every cached attachment of this network that is not
    /// in <paramref name="validAttachments"/>, then, from 1.1.0, GC to every plugin with the valid list under both
    /// <c>cni.dev/valid-attachments</c> and the 1.1.0 tag's <c>cni.dev/attachments</c>. Every step runs even when
    /// an earlier one failed; the failures are reported together. <c>disableGC</c> makes it a no-op.
    /// </summary>
    public void Gc(NetworkConfigList list, IReadOnlyCollection<Attachment> validAttachments)
    {
        if (list.DisableGC) return;
        var valid = validAttachments.ToHashSet();
        var errors = new List<CniException>();
        foreach (var stale in Cache.List().Where(a => a.NetworkName == list.Name))
        {
            if (valid.Contains(new Attachment(stale.ContainerId, stale.IfName))) continue;
            try
            {
                Del(list, stale.ToRuntimeConf());
            }
            catch (CniException e)
            {
                errors.Add(new CniException(e.Code, $"failed to delete stale attachment {stale.ContainerId} {stale.IfName}: {e.Message}", e.Details));
            }
        }
        if (CniVersions.AtLeast(list.EffectiveVersion, "1.1.0"))
        {
            void WriteValid(Utf8JsonWriter w)
            {
                w.WriteStartArray();
                foreach (var a in validAttachments)
                {
                    w.WriteStartObject();
                    w.WriteString("containerID", a.ContainerId);
                    w.WriteString("ifname", a.IfName);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
            }
            foreach (var plugin in list.Plugins)
            {
                var stdin = ConfigInjector.Build(plugin.Raw,
                [
                    new("name", w => w.WriteStringValue(list.Name)),
                    new("cniVersion", w => w.WriteStringValue(list.CniVersion)),
                    new("cni.dev/valid-attachments", WriteValid),
                    new("cni.dev/attachments", WriteValid),
                ]);
                try
                {
                    Exec("GC", plugin, stdin, "", "", "", "");
                }
                catch (CniException e)
                {
                    errors.Add(e);
                }
            }
        }
        if (errors.Count == 1) throw errors[0];
        if (errors.Count > 1)
            throw new CniException(errors[0].Code, $"gc: {errors.Count} failures: {errors[0].Message}",
                string.Join("; ", errors.Select(e => e.ToString())));
    }

    /// <summary>
    /// STATUS to every plugin in order, stopping at the first that is not ready (its code, 50/51, is kept).
    /// Below 1.1.0 there is no STATUS and the network counts as ready.
    /// </summary>
    public void Status(NetworkConfigList list)
    {
        if (!CniVersions.AtLeast(list.EffectiveVersion, "1.1.0")) return;
        foreach (var plugin in list.Plugins)
        {
            var stdin = ConfigInjector.Build(plugin.Raw,
            [
                new("name", w => w.WriteStringValue(list.Name)),
                new("cniVersion", w => w.WriteStringValue(list.CniVersion)),
            ]);
            Exec("STATUS", plugin, stdin, "", "", "", "");
        }
    }

    /// <summary>
    /// The versions a plugin supports (VERSION, probed as libcni does: stdin <c>{"cniVersion":"1.1.0"}</c>,
    /// dummy netns/ifname for very old plugins).
    /// </summary>
    public IReadOnlyList<string> GetVersions(string type)
    {
        string path = PluginLocator.Find(type, PluginPath);
        var env = new Dictionary<string, string>
        {
            ["CNI_COMMAND"] = "VERSION",
            ["CNI_CONTAINERID"] = "",
            ["CNI_NETNS"] = "dummy",
            ["CNI_IFNAME"] = "dummy",
            ["CNI_ARGS"] = "",
            ["CNI_PATH"] = "dummy",
        };
        var output = _exec.Run(path, "{\"cniVersion\":\"1.1.0\"}"u8.ToArray(), env);
        if (output.ExitCode != 0) throw PluginErrors.FromOutput(type, "VERSION", output);
        var e = RuntimeJson.Parse(output.Stdout);
        if (e.TryGetProperty("supportedVersions", out var sv) && sv.ValueKind == JsonValueKind.Array)
            return sv.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!).ToList();
        return e.TryGetProperty("cniVersion", out var cv) && cv.GetString() == "0.2.0" ? ["0.1.0", "0.2.0"] : [];
    }
}
