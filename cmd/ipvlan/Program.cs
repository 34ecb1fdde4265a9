// host-local and static run in-process when CNI_PATH holds our own binary for them.
Cni.Ipam.InProcessDelegates.Register();
return Cni.Sdk.PluginMain.Run(new Cni.Plugins.Ipvlan.IpvlanPlugin(), "CNI ipvlan plugin (C#, NativeAOT)");
