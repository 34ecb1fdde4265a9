namespace Cni.Sdk;

/// <summary>
/// The error object printed on stdout: <c>{"code":N,"msg":"...","details":"..."}</c>, details omitted when
/// null. No cniVersion: the reference's error type never prints one.
/// </summary>
public static class ErrorJson
{
    public static byte[] Encode(CniErrorCode code, string msg, string? details) => CniJson.Write(w =>
    {
        w.WriteStartObject();
        w.WriteNumber("code", (uint)code);
        w.WriteString("msg", msg);
        if (details is not null) w.WriteString("details", details);
        w.WriteEndObject();
    });

    public static byte[] Encode(CniException e) => Encode(e.Code, e.Message, e.Details);
}
