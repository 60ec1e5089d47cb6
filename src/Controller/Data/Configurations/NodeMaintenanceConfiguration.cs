using HaCluster.Controller.Data.Entities;
using HaCluster.Controller.Domain;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace HaCluster.Controller.Data.Configurations;

internal sealed class NodeMaintenanceConfiguration : IEntityTypeConfiguration<NodeMaintenanceEntity>
{
    public void Configure(EntityTypeBuilder<NodeMaintenanceEntity> builder)
    {
        builder.ToTable("node_maintenance");
        builder.HasKey(m => m.Node);
        builder.Property(m => m.Node).HasMaxLength(253);
        builder.Property(m => m.Reason).HasMaxLength(NodeMaintenance.MaxReason);
        builder.Property(m => m.StartedBy).HasMaxLength(256);
    }
}
