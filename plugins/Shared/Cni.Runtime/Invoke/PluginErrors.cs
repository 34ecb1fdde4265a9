using System.Text;
using System.Text.Json;
using Cni.Sdk;

namespace Cni.Runtime;

/// <summary>Turns a failed plugin run into a <see cref="PluginFailedException"/> that keeps the plugin's own code.</summary>
internal static class PluginErrors
{
    /// <summary>
    /// The error object is read from stdout (where plugins print it); stderr is used only when stdout is empty,
    /// as libcni does. A plugin that fails without an error object is reported as 999 with its exit status.
    /// </summary>
    public static PluginFailedException FromOutput(string type, string verb, PluginOutput output)
    {
        string v = verb.ToLowerInvariant();
        var stdout = Encoding.UTF8.GetString(output.Stdout).Trim();
        if (stdout.Length > 0)
        {
            try
            {
                var e = RuntimeJson.Parse(output.Stdout);
                if (e.ValueKind == JsonValueKind.Object && e.TryGetProperty("code", out var c) && c.TryGetUInt32(out uint code))
                {
                    var msg = e.TryGetProperty("msg", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
                    var details = e.TryGetProperty("details", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : null;
                    return new PluginFailedException(type, v, (CniErrorCode)code, msg, details);
                }
            }
            catch (JsonException)
            {
            }
            return new PluginFailedException(type, v, CniErrorCode.Internal,
                $"exited with status {output.ExitCode} but its error could not be parsed", stdout);
        }
        var stderr = output.Stderr.Trim();
        return new PluginFailedException(type, v, CniErrorCode.Internal, $"exited with status {output.ExitCode}",
            stderr.Length > 0 ? stderr : null);
    }
}
