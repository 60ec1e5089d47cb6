using HaCluster.Controller.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace HaCluster.Controller.Tests.Infrastructure;

/// <summary>The database a controller with these settings uses, opened the way the controller opens it.</summary>
internal static class TestDatabase
{
    public static HaClusterContext Open(IReadOnlyDictionary<string, string> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings!).Build();
        var services = new ServiceCollection().AddSingleton(TimeProvider.System).AddStorage(configuration).BuildServiceProvider();
        return services.GetRequiredService<IDbContextFactory<HaClusterContext>>().CreateDbContext();
    }
}
