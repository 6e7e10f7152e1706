// A prepared SQLite statement with bind/step helpers (internal to results/).
#pragma once

#include "results/store.hpp"

#include <sqlite3.h>

#include <string>
#include <type_traits>

namespace shiftsim::results {

/// What went wrong with the database, for a person: its file, SQLite's message, and for the
/// failures a user can mend (a full disk, a read-only file or folder, a folder that does not
/// exist, a locked database) what to do. Every StoreError about a statement says this.
/// (`path`: the file, where the connection cannot tell: one that failed to open.)
inline std::string database_problem(sqlite3* db, const std::string& doing, const std::string& path = "") {
  const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
  const std::string name = file && *file ? std::string(file) : path;
  std::string out = std::string("results database") + (name.empty() ? std::string() : " " + name) + ": " + doing + ": " +
                    (db ? sqlite3_errmsg(db) : "out of memory");
  switch (db ? sqlite3_errcode(db) : SQLITE_NOMEM) {
    case SQLITE_FULL:
      out += " (the disk or the folder's file system is full: free space there, or give --db a file on another disk; what this command "
             "was writing was rolled back, and a comparison's unfinished runs are marked failed)";
      break;
    case SQLITE_READONLY:
      out += " (the file or its folder cannot be written: check their permissions, or give --db a file in a folder you can write)";
      break;
    case SQLITE_CANTOPEN:
      out += " (the file cannot be opened or created: does its folder exist, and can you write there?)";
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      out += " (another process holds the database: wait for it, or use another --db)";
      break;
    default:
      break;
  }
  return out;
}

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK)
      throw StoreError(database_problem(db, "cannot prepare a statement"));
  }
  ~Statement() { sqlite3_finalize(stmt_); }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  bool is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }
  Statement& bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.c_str(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Statement& bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  Statement& bind_int(int i, long long v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Statement& bind_null(int i) {
    sqlite3_bind_null(stmt_, i);
    return *this;
  }
  /// Steps once; returns true if a row is available.
  bool step(sqlite3* db) {
    const int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc != SQLITE_DONE) throw StoreError(database_problem(db, "a statement failed"));
    return false;
  }
  void run(sqlite3* db) {
    step(db);
    sqlite3_reset(stmt_);
  }
  std::string text(int col) const {
    const unsigned char* t = sqlite3_column_text(stmt_, col);
    return t ? reinterpret_cast<const char*>(t) : "";
  }
  double real(int col) const { return sqlite3_column_double(stmt_, col); }
  long long integer(int col) const { return sqlite3_column_int64(stmt_, col); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};


/// Runs SQL without results (schema, pragmas); StoreError with SQLite's message.
inline void exec_sql(sqlite3* db, const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    sqlite3_free(err);
    throw StoreError(database_problem(db, "a statement failed"));
  }
}

/// Runs `body` in one write transaction, rolled back on any exception (or in the caller's
/// transaction when one is open).
template <class F>
auto in_transaction(sqlite3* db, F&& body) {
  // Inside a transaction already: the body joins it (the outer one commits or rolls back).
  if (!sqlite3_get_autocommit(db)) return body();
  char* err = nullptr;
  if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, &err) != SQLITE_OK) {
    sqlite3_free(err);
    throw StoreError(database_problem(db, "cannot begin a transaction"));
  }
  auto commit = [db] {
    if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
      throw StoreError(database_problem(db, "the commit failed"));
  };
  try {
    if constexpr (std::is_void_v<decltype(body())>) {
      body();
      commit();
    } else {
      auto result = body();
      commit();
      return result;
    }
  } catch (...) {
    sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

}  // namespace shiftsim::results
