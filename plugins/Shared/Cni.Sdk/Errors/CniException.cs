namespace Cni.Sdk;

/// <summary>
/// A failure the skel reports as the spec's error object <c>{"code","msg","details"}</c> on stdout.
/// Throw it wherever the right code is known; anything else reaches the runtime as 999.
/// </summary>
public class CniException : Exception
{
    public CniException(CniErrorCode code, string msg, string? details = null)
        : base(msg)
    {
        Code = code;
        Details = details;
    }

    public CniException(CniErrorCode code, string msg, string? details, Exception? inner)
        : base(msg, inner)
    {
        Code = code;
        Details = details;
    }

    public CniErrorCode Code { get; }

    /// <summary>Optional longer text; omitted from the JSON when null.</summary>
    public string? Details { get; }

    public override string ToString() => Details is null ? $"[{(uint)Code}] {Message}" : $"[{(uint)Code}] {Message}: {Details}";
}
