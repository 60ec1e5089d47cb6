using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace HaCluster.Controller.Data;

public sealed class SqliteHaClusterContext(DbContextOptions<SqliteHaClusterContext> options) : HaClusterContext(options)
{
    // SQLite has no DateTimeOffset type: store UTC ticks so the columns still sort.
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder) =>
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
}

/// <summary>Lets <c>dotnet ef migrations add -c SqliteHaClusterContext</c> build the model without a file.</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteHaClusterContext>
{
    public SqliteHaClusterContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteHaClusterContext>().UseSqlite("Data Source=hacluster.db").Options);
}
