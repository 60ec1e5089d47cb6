using Microsoft.EntityFrameworkCore;

namespace HaCluster.Controller.Data;

/// <summary>
/// Picks the provider: PostgreSQL when <c>ConnectionStrings:HaCluster</c> is set, else a SQLite file in
/// <c>Storage:DataDir</c>. Read from configuration when first used, so test hosts can override it.
/// </summary>
public sealed class StorageSettings(IConfiguration configuration)
{
    public const string ConnectionStringName = "HaCluster";
    private const string DefaultDataDir = "./data";

    public string? PostgresConnectionString { get; } = configuration.GetConnectionString(ConnectionStringName) is { Length: > 0 } cs ? cs : null;

    public string DataDir { get; } = configuration["Storage:DataDir"] is { Length: > 0 } dir ? dir : DefaultDataDir;

    public HaClusterContext CreateContext()
    {
        if (PostgresConnectionString is { } connectionString)
        {
            return new PostgresHaClusterContext(
                new DbContextOptionsBuilder<PostgresHaClusterContext>().UseNpgsql(connectionString).Options);
        }

        Directory.CreateDirectory(DataDir);
        var file = Path.GetFullPath(Path.Combine(DataDir, "hacluster.db"));
        return new SqliteHaClusterContext(
            new DbContextOptionsBuilder<SqliteHaClusterContext>().UseSqlite($"Data Source={file}").Options);
    }
}
