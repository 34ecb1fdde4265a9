return Cni.Sdk.PluginMain.Run(new Cni.Plugins.Bridge.BridgePlugin(), "CNI bridge plugin (C#, NativeAOT)");
