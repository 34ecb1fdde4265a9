// IPAM delegates this binary can run in-process when CNI_PATH holds our own binary for them.
Cni.Sdk.InProcessIpam.Register("host-local", () => new Cni.Ipam.HostLocal.HostLocalPlugin());
Cni.Sdk.InProcessIpam.Register("static", () => new Cni.Ipam.Static.StaticPlugin());
return Cni.Sdk.PluginMain.Run(new Cni.Plugins.Macvlan.MacvlanPlugin(), "CNI macvlan plugin (C#, NativeAOT)");
