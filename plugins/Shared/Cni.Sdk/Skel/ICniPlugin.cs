namespace Cni.Sdk;

/// <summary>
/// A plugin's verb handlers. The dispatcher has already validated the environment, the config's name and
/// version before any of these runs; a handler throws <see cref="CniException"/> to report a specific code.
/// </summary>
public interface ICniPlugin
{
    /// <summary>Returns the 1.1 model; the skel prints it converted to <c>args.Config.CniVersion</c>.</summary>
    Result Add(CmdArgs args);

    /// <summary>Best effort and idempotent: missing state is success.</summary>
    void Del(CmdArgs args);

    void Check(CmdArgs args);

    /// <summary><c>args.Config.ValidAttachments</c> holds the still-valid attachments. Default: nothing to collect.</summary>
    void Gc(CmdArgs args) { }

    /// <summary>Throw code 50/51 when ADD cannot be served. Default: ready.</summary>
    void Status(CmdArgs args) { }

    /// <summary>
    /// The config versions accepted (exact strings) and reported by VERSION. Override to narrow, never to add
    /// versions the SDK cannot print.
    /// </summary>
    IReadOnlyList<string> SupportedVersions => CniVersions.All;
}
