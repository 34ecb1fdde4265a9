namespace Cni.Sdk;

/// <summary>
/// Runs the IPAM delegate named by <c>args.Config.Ipam.Type</c> for one verb. An interface so a plugin can be
/// tested with a fake and so a faster spawn (vfork/posix_spawn) can replace <see cref="ExecIpam"/> later.
/// </summary>
public interface IIpamInvoker
{
    /// <summary>Allocates; returns the delegate's result in the 1.1 model (no interfaces, no interface index).</summary>
    Result Add(CmdArgs a);
    void Del(CmdArgs a);
    void Check(CmdArgs a);
    void Gc(CmdArgs a);
    void Status(CmdArgs a);
}
