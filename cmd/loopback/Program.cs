return Cni.Sdk.PluginMain.Run(new Cni.Plugins.Loopback.LoopbackPlugin(), "CNI loopback plugin (C#, NativeAOT)");
