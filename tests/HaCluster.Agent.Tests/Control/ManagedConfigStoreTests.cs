using HaCluster.Agent.Control;
using HaCluster.Contracts;

namespace HaCluster.Agent.Tests.Control;

public sealed class ManagedConfigStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hc-store-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Save_ThenLoad_SameConfig_TextReadableBesideIt_NoTempFilesLeft()
    {
        var store = new ManagedConfigStore(_dir);
        var config = new DesiredConfig { Hash = "abc", Text = "global_defs {\n}\n" };
        config.Groups.Add(new GroupRevision { Group = "web", Revision = 3 });

        store.Save(config);

        Assert.Equal(config, new ManagedConfigStore(_dir).Load());
        Assert.Equal(config.Text, File.ReadAllText(store.TextPath));
        Assert.DoesNotContain(Directory.GetFiles(_dir), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_NothingOrGarbage_Null()
    {
        var store = new ManagedConfigStore(_dir);
        Assert.Null(store.Load());

        File.WriteAllBytes(Path.Combine(_dir, "desired.pb"), [0xff, 0xff, 0xff, 0xff]);

        Assert.Null(store.Load());
    }
}
