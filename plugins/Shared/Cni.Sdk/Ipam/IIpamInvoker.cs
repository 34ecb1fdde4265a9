namespace Cni.Sdk;

/// <summary>
/// Runs the IPAM delegate named by <c>args.Config.Ipam.Type</c> for one verb. An interface so a plugin can be
/// tested with a fake. ADD and DEL also come as a start/finish pair (<see cref="StartAdd"/>, <see cref="StartDel"/>)
/// so a plugin can do its kernel work while the delegate runs; an invoker that cannot overlap (a test double)
/// inherits versions that simply run the synchronous call.
/// </summary>
public interface IIpamInvoker
{
    /// <summary>Allocates; returns the delegate's result in the 1.1 model (no interfaces, no interface index).</summary>
    Result Add(CmdArgs a);
    void Del(CmdArgs a);
    void Check(CmdArgs a);
    void Gc(CmdArgs a);
    void Status(CmdArgs a);

    /// <summary>Starts <see cref="Add"/>; its errors (even "cannot find the plugin") surface from <see cref="IpamCall{T}.Finish"/>.</summary>
    IpamCall<Result> StartAdd(CmdArgs a) => IpamCall<Result>.Completed(() => Add(a));

    /// <summary>Starts <see cref="Del"/>; its errors surface from <see cref="IpamCall{T}.Finish"/>.</summary>
    IpamCall<bool> StartDel(CmdArgs a) => IpamCall<bool>.Completed(() =>
    {
        Del(a);
        return true;
    });
}
