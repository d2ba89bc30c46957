// Compiles Asio, Asio SSL and Beast exactly once for the whole program (BOOST_*_SEPARATE_COMPILATION):
// every other translation unit only sees their declarations, which keeps the build fast.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
