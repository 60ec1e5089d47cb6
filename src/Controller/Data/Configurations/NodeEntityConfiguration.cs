using HaCluster.Controller.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HaCluster.Controller.Data.Configurations;

internal sealed class NodeEntityConfiguration : IEntityTypeConfiguration<NodeEntity>
{
    public void Configure(EntityTypeBuilder<NodeEntity> builder)
    {
        builder.ToTable("nodes");
        builder.HasKey(n => n.Name);
        builder.Property(n => n.Name).HasMaxLength(64);
        builder.Property(n => n.AgentVersion).HasMaxLength(64);
        builder.Property(n => n.BootId).HasMaxLength(64);
    }
}
