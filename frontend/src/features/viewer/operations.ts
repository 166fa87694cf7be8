import { graphql } from '../../gql';

/** Who is signed in, and the language and time zone they prefer (R4). */
export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      platformAdmin
      secondFactorEnrollmentRequired
      user {
        id
        username
        language
        timeZone
      }
    }
  }
`);
