using Microsoft.Data.Sqlite;
using Npgsql;

namespace Workbook.SearchLogs;

/// <summary>Database errors worth retrying: another writer holds the lock, a dropped connection, a deadlock victim.</summary>
internal static class TransientErrors
{
    public static bool IsTransient(Exception e) => e switch
    {
        SqliteException s => s.SqliteErrorCode is 5 or 6, // SQLITE_BUSY, SQLITE_LOCKED
        PostgresException p => p.SqlState is "40001" or "40P01" or "53300" or "57P03" || p.IsTransient,
        NpgsqlException n => n.IsTransient,
        TimeoutException => true,
        _ => e.InnerException != null && IsTransient(e.InnerException),
    };
}
