using HaCluster.TestSupport;
namespace HaCluster.Controller.Tests.Infrastructure;

/// <summary>Where a test's controller keeps its data: a fresh SQLite directory or a fresh PostgreSQL database.</summary>
public interface IStorageBackend
{
    IReadOnlyDictionary<string, string> NewSettings();
}

public sealed class SqliteBackend : IStorageBackend, IDisposable
{
    private readonly string root = Directory.CreateTempSubdirectory("hc-sqlite-").FullName;

    public IReadOnlyDictionary<string, string> NewSettings() =>
        new Dictionary<string, string> { ["Storage:DataDir"] = Path.Combine(root, Guid.NewGuid().ToString("N")) };

    public void Dispose() => Directory.Delete(root, recursive: true);
}

public sealed class PostgresBackend(PostgresServer server) : IStorageBackend
{
    public IReadOnlyDictionary<string, string> NewSettings() =>
        new Dictionary<string, string> { ["ConnectionStrings:HaCluster"] = server.NewDatabase() };
}
