return Cni.Sdk.PluginMain.Run(new Cni.Plugins.Macvlan.MacvlanPlugin(), "CNI macvlan plugin (C#, NativeAOT)");
