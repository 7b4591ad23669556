//! What administrators bring along: curl commands copied from Oracle's
//! documents ([`curl`]) and Postman collections, environments and globals
//! ([`postman`]), read into the core's own types (`ApiRequest`, saved
//! requests and folders, profile variables); and a profile's saved requests
//! and variables written back out as Postman files. Pure: the caller reads
//! the file and stores the result.

pub mod curl;
pub mod postman;
